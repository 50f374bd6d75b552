/**
 * One SIPp UAS that answers by the called number: the last three digits of the Request-URI's
 * user part pick the branch (`+15550001486` → 486 Busy Here). The daemon-level tests dial
 * through the PBX's carrier trunk exactly as production does (`PJSIP/{number}@carrier`,
 * `sofia/gateway/carrier/{number}`). `q850` adds `Reason: Q.850;cause=N` to the final response
 * (reject) or to the carrier's BYE (answer).
 */
export type Branch =
  | { suffix: string; kind: 'reject'; code: number; reason: string; q850?: number }
  | { suffix: string; kind: 'answer'; holdMs: number; audio?: string; q850?: number }
  | { suffix: string; kind: 'ring' };

const VIA = `[last_Via:]\n      [last_From:]`;
const reply = (status: string, extra = '', body = ''): string => `<![CDATA[
      SIP/2.0 ${status}
      ${VIA}
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]${extra}
      Content-Length: ${body ? '[len]' : '0'}
${body}
    ]]>`;

const sdp = (port: string): string => `
      v=0
      o=sipp 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio ${port} RTP/AVP 0
      a=rtpmap:0 PCMU/8000
      a=sendrecv`;

const CONTACT = '\n      Contact: <sip:[local_ip]:[local_port];transport=[transport]>';
const reasonHeader = (q850: number | undefined): string => (q850 === undefined ? '' : `\n      Reason: Q.850;cause=${q850}`);

function branchBody(b: Branch): string {
  const id = `b${b.suffix}`;
  if (b.kind === 'reject') {
    return `  <label id="${id}"/>
  <send retrans="500">${reply(`${b.code} ${b.reason}`, reasonHeader(b.q850))}</send>
  <recv request="ACK" crlf="true" next="end"/>`;
  }
  if (b.kind === 'ring') {
    return `  <label id="${id}"/>
  <recv request="CANCEL"/>
  <send>${reply('200 OK')}</send>
  <send retrans="500"><![CDATA[
      SIP/2.0 487 Request Terminated
      ${VIA}
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      CSeq: [$invcseq] INVITE
      Content-Length: 0
    ]]></send>
  <recv request="ACK" crlf="true" next="end"/>`;
  }
  const media = b.audio ? `\n  <nop><action><exec rtp_stream="${b.audio},1,0,PCMU/8000"/></action></nop>` : '';
  return `  <label id="${id}"/>
  <send retrans="500">${reply('200 OK', `${CONTACT}\n      Content-Type: application/sdp`, sdp(b.audio ? '[rtpstream_audio_port]' : '[media_port]'))}</send>
  <recv request="ACK" crlf="true"/>${media}
  <recv request="BYE" timeout="${b.holdMs}" ontimeout="${id}bye"/>
  <send next="end"><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
    ]]></send>
  <label id="${id}bye"/>
  <send retrans="500"><![CDATA[
      BYE [$contact] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From:[$local_to];tag=[pid]SIPpTag01[call_number]
      To:[$remote_from]
      [last_Call-ID:]
      CSeq: 2 BYE
      Max-Forwards: 70${reasonHeader(b.q850)}
      Content-Length: 0
    ]]></send>
  <recv response="200" crlf="true" next="end"/>`;
}

/** The scenario; a number whose suffix matches no branch gets 404. Ring time is SIPp's `-d`. */
export function carrierScenario(branches: Branch[]): string {
  const tests = branches
    .map((b) => `      <strcmp assign_to="s${b.suffix}" variable="code" value="${b.suffix}"/>\n      <test assign_to="t${b.suffix}" variable="s${b.suffix}" compare="equal" value="0"/>`)
    .join('\n');
  const ringing = branches.filter((b) => b.kind === 'ring').map((b) => `  <nop next="b${b.suffix}" test="t${b.suffix}"/>`).join('\n');
  const jumps = branches.filter((b) => b.kind !== 'ring').map((b) => `  <nop next="b${b.suffix}" test="t${b.suffix}"/>`).join('\n');
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="carrier by number">
  <recv request="INVITE" crlf="true">
    <action>
      <ereg regexp="INVITE sip:[^@ ]*([0-9]{3})@" search_in="msg" check_it="true" assign_to="ruri,code"/>
      <log message="call to [$ruri]"/>
      <ereg regexp="[0-9]+" search_in="hdr" header="CSeq:" assign_to="invcseq"/>
      <ereg regexp="sip:[^&gt;;]*" search_in="hdr" header="Contact:" assign_to="contact"/>
      <ereg regexp=".*" search_in="hdr" header="From:" assign_to="remote_from"/>
      <ereg regexp=".*" search_in="hdr" header="To:" assign_to="local_to"/>
${tests}
    </action>
  </recv>
  <send>${reply('100 Trying').replace(';tag=[pid]SIPpTag01[call_number]', '')}</send>
  <send>${reply('180 Ringing', CONTACT)}</send>
${ringing}
  <pause/>
${jumps}
  <send retrans="500">${reply('404 Not Found')}</send>
  <recv request="ACK" crlf="true" next="end"/>
${branches.map(branchBody).join('\n')}
  <label id="end"/>
  <timewait milliseconds="500"/>
</scenario>`;
}
