export {
  isReplicateImageModel,
  predictReplicateUsage,
  replicateImageUrls,
  REPLICATE_FAIL_TRIGGER,
  REPLICATE_FAILURE_MESSAGE,
  replicateChatView,
  replicateOutputText,
  replicateProtocol,
  startFakeReplicate,
} from './fake-replicate';
export type { FakeReplicateOptions } from './fake-replicate';
