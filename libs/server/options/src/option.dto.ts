import { IsDefined, IsNotEmpty, IsString, ValidateBy } from 'class-validator';

const IsScalar = () =>
  ValidateBy({
    name: 'isScalar',
    validator: {
      validate: (v: unknown) =>
        typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)),
      defaultMessage: () => 'value must be a string, a number or a boolean',
    },
  });

export class UpdateOptionDto {
  @IsString() @IsNotEmpty() key!: string;
  @IsDefined() @IsScalar() value!: string | number | boolean;
}
