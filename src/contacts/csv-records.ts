/**
 * CSV records from physical lines, for contact lists. RFC 4180 quoting (`"a, b"`, `""` for a
 * quote, newlines inside quotes), blanks around fields and around a quoted field ignored, and
 * one rule for broken quoting: a quote opens a field only if it closes — followed by the
 * delimiter or the line's end, within MAX chars. Otherwise it is text: the field on its own
 * line is read as written, the problem is reported at that line, and the lines the open quote
 * had taken are read as rows again. So a missing quote costs one reported row, never the rows
 * after it (csv-parse, which read these files before, cannot resume after one).
 */
import type { Line } from './csv-lines.ts';

export type CsvOut = { row: { line: number; fields: string[] } } | { problem: { line: number; message: string } };

/** A quoted field still open at the end of a line. */
interface Open {
  line: number;
  text: string;
  col: number;
  fieldsBefore: number;
  /** The record's size when the quote opened (its lines up to the quote's). */
  charsBefore: number;
  content: string;
  /** Lines read since the quote's line: rows again if the quote turns out not to close. */
  after: Line[];
}

export class CsvRecords {
  private fields: string[] = [];
  private start = 0;
  private chars = 0;
  private open: Open | null = null;
  private queue: Line[] = [];
  private head = 0;

  constructor(
    private readonly delimiter: string,
    private readonly maxChars: number,
  ) {}

  /** Feeds the next physical line; returns the rows and problems it completes, in file order. */
  push(line: Line): CsvOut[] {
    const out: CsvOut[] = [];
    this.queue.push(line);
    this.drain(out);
    return out;
  }

  /** The file has ended: a quote still open is text after all. */
  end(): CsvOut[] {
    const out: CsvOut[] = [];
    while (this.open) {
      this.unclose(out, 'before the end of the file');
      this.drain(out);
    }
    return out;
  }

  private drain(out: CsvOut[]): void {
    while (this.head < this.queue.length) this.feed(this.queue[this.head++]!, out);
    this.queue = [];
    this.head = 0;
  }

  private feed(line: Line, out: CsvOut[]): void {
    const o = this.open;
    if (o) {
      o.after.push(line);
      this.chars += (line.text?.length ?? this.maxChars) + 1;
      if (line.text === null || this.chars > this.maxChars) return this.unclose(out, `within ${this.maxChars} characters`);
      return this.quoted(line.text, 0, line.number, out);
    }
    if (line.text === null) {
      out.push({ problem: { line: line.number, message: `line longer than ${this.maxChars} characters; skipped` } });
      return;
    }
    this.start = line.number;
    this.chars = line.text.length;
    this.fields = [];
    this.fieldsFrom(line.text, 0, line.number, out, false);
  }

  /** Reads fields of `text` from `i` (a field start) to the record's end or an open quote. */
  private fieldsFrom(text: string, i: number, line: number, out: CsvOut[], quoteIsText: boolean): void {
    for (;;) {
      let j = i;
      while (text[j] === ' ') j++;
      if (text[j] === '"' && !quoteIsText) {
        this.open = { line, text, col: j, fieldsBefore: this.fields.length, charsBefore: this.chars, content: '', after: [] };
        return this.quoted(text, j + 1, line, out);
      }
      quoteIsText = false;
      const end = text.indexOf(this.delimiter, i);
      this.fields.push(text.slice(i, end < 0 ? undefined : end).trim());
      if (end < 0) return this.emit(out);
      i = end + this.delimiter.length;
    }
  }

  /** Goes on with the open quoted field in `text` from `from`. */
  private quoted(text: string, from: number, line: number, out: CsvOut[]): void {
    const o = this.open!;
    for (;;) {
      const q = text.indexOf('"', from);
      if (q < 0) {
        o.content += `${text.slice(from)}\n`;
        return;
      }
      if (text[q + 1] === '"') {
        o.content += `${text.slice(from, q)}"`;
        from = q + 2;
        continue;
      }
      let k = q + 1;
      while (text[k] === ' ') k++;
      if (k < text.length && !text.startsWith(this.delimiter, k)) {
        // A quote followed by text: the opening quote was text.
        if (o.line === line) return this.asText(out);
        return this.unclose(out, `before line ${line}`);
      }
      this.open = null;
      this.fields.push((o.content + text.slice(from, q)).trim());
      if (k === text.length) return this.emit(out);
      return this.fieldsFrom(text, k + this.delimiter.length, line, out, false);
    }
  }

  /** The open quote is text: read its field as written, on its own line. */
  private asText(out: CsvOut[]): void {
    const o = this.open!;
    this.open = null;
    this.fields.length = o.fieldsBefore;
    this.fieldsFrom(o.text, o.col, o.line, out, true);
  }

  /** A quote that opened a field over several lines never closed: report it, then re-read those lines. */
  private unclose(out: CsvOut[], why: string): void {
    const o = this.open!;
    out.push({ problem: { line: o.line, message: `unclosed quote: the quoted field opening on this line has no closing quote ${why}; read with its quote as text` } });
    this.chars = o.charsBefore;
    this.asText(out);
    this.queue = [...o.after, ...this.queue.slice(this.head)];
    this.head = 0;
  }

  private emit(out: CsvOut[]): void {
    const fields = this.fields;
    this.fields = [];
    if (fields.some((f) => f !== '')) out.push({ row: { line: this.start, fields } });
  }
}
