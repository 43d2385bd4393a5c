export * from './channels.module';
export * from './channels.service';
export * from './channels.controller';
export * from './channels.dto';
export * from './abilities';
export * from './channel-rules';
