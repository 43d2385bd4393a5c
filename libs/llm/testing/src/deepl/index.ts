export * from './fake-deepl';
