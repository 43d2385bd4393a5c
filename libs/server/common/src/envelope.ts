import { HttpException, HttpStatus } from '@nestjs/common';

/** One API's management envelope: every /api answer is {success, message, data}. */
export interface Envelope<T = unknown> {
  success: boolean;
  message: string;
  data?: T;
  total?: number;
}

export function ok<T>(data?: T): Envelope<T> {
  return data === undefined ? { success: true, message: '' } : { success: true, message: '', data };
}

export function page<T>(data: T[], total: number): Envelope<T[]> {
  return { success: true, message: '', data, total };
}

/** A failure with the envelope body and a real HTTP status. */
export class ApiError extends HttpException {
  constructor(message: string, status: number = HttpStatus.BAD_REQUEST, data?: unknown) {
    super(data === undefined ? { success: false, message } : { success: false, message, data }, status);
  }
}

export const badRequest = (message: string) => new ApiError(message, HttpStatus.BAD_REQUEST);
export const notFound = (message: string) => new ApiError(message, HttpStatus.NOT_FOUND);
export const forbidden = (message: string) => new ApiError(message, HttpStatus.FORBIDDEN);
export const unauthorized = (message: string) => new ApiError(message, HttpStatus.UNAUTHORIZED);
export const conflict = (message: string) => new ApiError(message, HttpStatus.CONFLICT);
