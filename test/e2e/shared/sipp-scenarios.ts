/**
 * SIPp UAS scenarios for the fake carrier (after ../shared/lab/asterisk/sipp/gen-*.sh, which were
 * verified against Asterisk 22). Each function returns scenario XML.
 */
const HDR = `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<!DOCTYPE scenario SYSTEM "sipp.dtd">`;

const TRYING_RINGING = `
  <send><![CDATA[
      SIP/2.0 100 Trying
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]></send>
  <send><![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0
    ]]></send>`;

/** INVITE → 100 → 180 → (pause -d ms) → `code reason` → ACK. */
export function rejectScenario(code: number, reason: string): string {
  return `${HDR}
<scenario name="reject ${code}">
  <recv request="INVITE" crlf="true"/>${TRYING_RINGING}
  <pause/>
  <send retrans="500"><![CDATA[
      SIP/2.0 ${code} ${reason}
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]></send>
  <recv request="ACK" crlf="true"/>
  <timewait milliseconds="1000"/>
</scenario>`;
}

/** INVITE → 100 → 180, never answers; Asterisk's CANCEL gets 200 + 487. */
export function ringForeverScenario(): string {
  return `${HDR}
<scenario name="ring forever">
  <recv request="INVITE" crlf="true">
    <action><ereg regexp="[0-9]+" search_in="hdr" header="CSeq:" assign_to="invcseq"/></action>
  </recv>${TRYING_RINGING}
  <recv request="CANCEL"/>
  <send><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]></send>
  <send retrans="500"><![CDATA[
      SIP/2.0 487 Request Terminated
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      CSeq: [$invcseq] INVITE
      Content-Length: 0
    ]]></send>
  <recv request="ACK" crlf="true"/>
  <timewait milliseconds="1000"/>
</scenario>`;
}

/**
 * INVITE → 100 → 180 → (pause -d ms) → 200 OK → ACK → [stream `audio` (.ul) as PCMU] → BYE after
 * `holdMs` unless Asterisk hangs up first.
 */
export function answerScenario(holdMs: number, audio: string | null = null): string {
  const mediaPort = audio ? '[rtpstream_audio_port]' : '[media_port]';
  const media = audio ? `<nop><action><exec rtp_stream="${audio},1,0,PCMU/8000"/></action></nop>` : '';
  return `${HDR}
<scenario name="answer, BYE after ${holdMs} ms">
  <recv request="INVITE" crlf="true">
    <action>
      <ereg regexp="sip:[^&gt;;]*" search_in="hdr" header="Contact:" assign_to="contact"/>
      <ereg regexp=".*" search_in="hdr" header="From:" assign_to="remote_from"/>
      <ereg regexp=".*" search_in="hdr" header="To:" assign_to="local_to"/>
    </action>
  </recv>${TRYING_RINGING}
  <pause/>
  <send retrans="500"><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=sipp 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio ${mediaPort} RTP/AVP 0
      a=rtpmap:0 PCMU/8000
      a=sendrecv
    ]]></send>
  <recv request="ACK" crlf="true"/>
  ${media}
  <recv request="BYE" timeout="${holdMs}" ontimeout="sendbye"/>
  <send next="done"><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]></send>
  <label id="sendbye"/>
  <send retrans="500"><![CDATA[
      BYE [$contact] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From:[$local_to];tag=[pid]SIPpTag01[call_number]
      To:[$remote_from]
      [last_Call-ID:]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0
    ]]></send>
  <recv response="200" crlf="true"/>
  <label id="done"/>
  <timewait milliseconds="500"/>
</scenario>`;
}
