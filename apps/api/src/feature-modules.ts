import type { Type } from '@nestjs/common';

/** Feature modules mounted by the API, in the order their routes are registered. */
export const FEATURE_MODULES: Type[] = [];
