import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per (group, model, channel): the routing projection of the channels table. */
@Entity('abilities')
export class Ability {
  @PrimaryColumn({ name: 'group', type: 'varchar', length: 32 }) group!: string;
  @PrimaryColumn({ type: 'varchar', length: 191 }) model!: string;
  @PrimaryColumn({ name: 'channel_id', type: 'bigint' }) channelId!: number;
  @Column({ type: 'boolean', nullable: true }) enabled!: boolean;
  @Column({ type: 'bigint', nullable: true, default: 0 }) priority!: number | null;
}
