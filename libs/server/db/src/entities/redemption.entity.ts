import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('redemptions')
export class Redemption {
  @PrimaryGeneratedColumn() id!: number;
  /** The admin who created the code (One API never overwrites it with the redeemer). */
  @Column({ name: 'user_id', type: 'bigint', nullable: true }) userId!: number | null;
  @Column({ type: 'varchar', length: 32 }) key!: string;
  @Column({ type: 'integer', default: 1 }) status!: number;
  @Column({ type: 'text', nullable: true }) name!: string | null;
  @Column({ type: 'bigint', default: 100 }) quota!: number;
  @Column({ name: 'created_time', type: 'bigint', nullable: true }) createdTime!: number | null;
  @Column({ name: 'redeemed_time', type: 'bigint', nullable: true }) redeemedTime!: number | null;
}
