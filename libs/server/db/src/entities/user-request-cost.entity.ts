import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The final charge of one relayed request, looked up by its request id. */
@Entity('user_request_costs')
export class UserRequestCost {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ name: 'created_time', type: 'bigint', nullable: true }) createdTime!: number;
  @Column({ name: 'user_id', type: 'bigint', nullable: true }) userId!: number;
  @Column({ name: 'request_id', type: 'varchar', length: 64 }) requestId!: string;
  @Column({ type: 'bigint', default: 0 }) quota!: number;
  @Column({ name: 'created_at', type: 'bigint', nullable: true }) createdAt!: number;
  @Column({ name: 'updated_at', type: 'bigint', nullable: true }) updatedAt!: number;
}
