import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

function describe(errors: ValidationError[], parent = ''): string[] {
  const out: string[] = [];
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {}))
      out.push(message.replace(error.property, path));
    if (error.children?.length) out.push(...describe(error.children, path));
  }
  return out;
}

/** class-validator on every body; a bad body is HTTP 400 with the envelope and a message naming the field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: false,
    exceptionFactory: (errors) =>
      new BadRequestException({
        success: false,
        message: describe(errors).join('; ') || 'invalid request body',
      }),
  });
}
