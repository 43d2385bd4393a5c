import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import busboy from 'busboy';
import { RelayError } from '../relay-error';

export interface UploadedFile {
  field: string;
  filename: string;
  mimeType: string;
  data: Buffer;
}

export interface MultipartForm {
  fields: Record<string, string>;
  files: UploadedFile[];
}

export function isMultipart(req: Request): boolean {
  return /^multipart\/form-data/i.test(String(req.headers['content-type'] ?? ''));
}

/**
 * Reads a multipart/form-data request: text fields and files, never more than `maxBytes` of file data in all
 * (MAX_UPLOAD_SIZE_MB). The files are kept in memory because they are read twice — measured (audio duration) and
 * sent upstream, again on failover — and the cap bounds that memory.
 */
export function readMultipart(req: Request, maxBytes: number): Promise<MultipartForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: maxBytes + 1, files: 16, fields: 64, fieldSize: 1024 * 1024 },
      });
    } catch (error) {
      reject(new RelayError(400, `bad multipart body: ${(error as Error).message}`));
      return;
    }
    const form: MultipartForm = { fields: {}, files: [] };
    let total = 0;
    let failed = false;
    const fail = (error: RelayError) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.resume(); // drain what is left so the answer can be written
      reject(error);
    };
    parser.on('field', (name, value) => {
      form.fields[name] = value;
    });
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxBytes) {
          stream.resume();
          fail(
            new RelayError(
              413,
              `the upload is larger than ${Math.round((maxBytes / 1024 / 1024) * 100) / 100} MB`,
              'invalid_request_error',
              'file_too_large',
              field,
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      stream.on('end', () => {
        if (failed) return;
        form.files.push({
          field,
          filename: info.filename || field,
          mimeType: info.mimeType || 'application/octet-stream',
          data: Buffer.concat(chunks),
        });
      });
    });
    parser.on('error', (error: Error) => fail(new RelayError(400, `bad multipart body: ${error.message}`)));
    parser.on('close', () => {
      if (!failed) resolve(form);
    });
    req.pipe(parser);
  });
}

/** A multipart/form-data body for the upstream: the caller's fields (model possibly mapped) and files. */
export function encodeMultipart(
  fields: Record<string, string>,
  files: readonly UploadedFile[],
): { body: Buffer; contentType: string } {
  const boundary = `----one-api-${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  const quoted = (text: string) => text.replace(/["\r\n\\]/g, (c) => encodeURIComponent(c));
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; ` +
          `filename="${quoted(file.filename)}"\r\nContent-Type: ${file.mimeType}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
