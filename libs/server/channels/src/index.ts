export * from './channels.module';
