import busboy from 'busboy';
import type { IncomingHttpHeaders } from 'node:http';

export interface FakeUpload {
  field: string;
  filename: string;
  mimeType: string;
  data: Buffer;
}

export interface FakeForm {
  fields: Record<string, string>;
  files: FakeUpload[];
}

/** Parses a multipart/form-data body the fake received (its bytes are already in memory). */
export function parseMultipart(headers: IncomingHttpHeaders, bytes: Buffer): Promise<FakeForm> {
  return new Promise((resolve, reject) => {
    const form: FakeForm = { fields: {}, files: [] };
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers });
    } catch (error) {
      reject(error as Error);
      return;
    }
    parser.on('field', (name, value) => {
      form.fields[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () =>
        form.files.push({
          field,
          filename: info.filename,
          mimeType: info.mimeType,
          data: Buffer.concat(chunks),
        }),
      );
    });
    parser.on('error', reject);
    parser.on('close', () => resolve(form));
    parser.end(bytes);
  });
}

export function isMultipartRequest(headers: IncomingHttpHeaders): boolean {
  return /^multipart\/form-data/i.test(String(headers['content-type'] ?? ''));
}
