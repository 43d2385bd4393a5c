export * from './redemption.dto';
export * from './redemptions.service';
export * from './redemptions.module';
