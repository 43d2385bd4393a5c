import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'text', nullable: true }) username!: string;
  @Column({ type: 'text' }) password!: string;
  @Column({ name: 'display_name', type: 'text', nullable: true }) displayName!: string | null;
  @Column({ type: 'integer', default: 1 }) role!: number;
  @Column({ type: 'integer', default: 1 }) status!: number;
  @Column({ type: 'text', nullable: true }) email!: string | null;
  @Column({ name: 'github_id', type: 'text', nullable: true }) githubId!: string | null;
  @Column({ name: 'wechat_id', type: 'text', nullable: true }) wechatId!: string | null;
  @Column({ name: 'lark_id', type: 'text', nullable: true }) larkId!: string | null;
  @Column({ name: 'oidc_id', type: 'text', nullable: true }) oidcId!: string | null;
  @Column({ name: 'access_token', type: 'varchar', length: 32, nullable: true }) accessToken!: string | null;
  @Column({ type: 'bigint', default: 0 }) quota!: number;
  @Column({ name: 'used_quota', type: 'bigint', default: 0 }) usedQuota!: number;
  @Column({ name: 'request_count', type: 'bigint', default: 0 }) requestCount!: number;
  @Column({ name: 'group', type: 'varchar', length: 32, default: 'default' }) group!: string;
  @Column({ name: 'aff_code', type: 'varchar', length: 32, nullable: true }) affCode!: string | null;
  @Column({ name: 'inviter_id', type: 'bigint', nullable: true }) inviterId!: number | null;
  /** Base32 TOTP secret when two-factor sign-in is on (column of One API's fork; added by migration 0003). */
  @Column({ name: 'totp_secret', type: 'varchar', length: 64, nullable: true }) totpSecret!: string | null;
}
