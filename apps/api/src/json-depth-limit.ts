import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * Deepest JSON nesting accepted in a request body. Real requests (JSON Schemas of tools included) stay far below;
 * hostile ones thousands of levels deep would otherwise reach recursive code (validation, codecs, schema walkers)
 * and end as a stack overflow, i.e. a 500.
 */
export const MAX_JSON_DEPTH = 128;

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** True when the JSON text nests deeper than `max`; one pass over the bytes, strings skipped. */
export function jsonDepthExceeds(bytes: Uint8Array, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > max) return true;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) depth--;
  }
  return false;
}

/** Refuses (400, in the caller's error format through the global filter) bodies nested deeper than MAX_JSON_DEPTH. */
export function jsonDepthLimit(max = MAX_JSON_DEPTH) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const raw = (req as Request & { rawBody?: Buffer }).rawBody;
    if (raw && jsonDepthExceeds(raw, max)) {
      next(new BadRequestException(`request body JSON is nested deeper than ${max} levels`));
      return;
    }
    next();
  };
}
