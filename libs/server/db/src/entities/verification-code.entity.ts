import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A one-time code sent by email: a 6-digit registration / email-binding code or a password-reset token.
 * Only a SHA-256 of the code is stored; rows are deleted when used, replaced or expired.
 */
@Entity('verification_codes')
export class VerificationCode {
  @PrimaryGeneratedColumn() id!: number;
  /** 'email' (register, bind) or 'reset' (password reset) */
  @Column({ type: 'varchar', length: 16 }) purpose!: string;
  /** the lower-cased email address the code was sent to */
  @Column({ type: 'varchar', length: 191 }) target!: string;
  @Column({ name: 'code_hash', type: 'varchar', length: 64 }) codeHash!: string;
  @Column({ type: 'integer', default: 0 }) attempts!: number;
  @Column({ name: 'created_at', type: 'bigint' }) createdAt!: number;
  @Column({ name: 'expires_at', type: 'bigint' }) expiresAt!: number;
}
