import { Ability } from './ability.entity';
import { Channel } from './channel.entity';
import { Log } from './log.entity';
import { OptionRow } from './option.entity';
import { Redemption } from './redemption.entity';
import { Token } from './token.entity';
import { TokenTransaction, TokenTransactionStatus } from './token-transaction.entity';
import { User } from './user.entity';
import { UserRequestCost } from './user-request-cost.entity';
import { VerificationCode } from './verification-code.entity';

export {
  Ability,
  Channel,
  Log,
  OptionRow,
  Redemption,
  Token,
  TokenTransaction,
  TokenTransactionStatus,
  User,
  UserRequestCost,
  VerificationCode,
};
export const ENTITIES = [
  User,
  Token,
  Channel,
  Ability,
  OptionRow,
  Redemption,
  Log,
  UserRequestCost,
  VerificationCode,
  TokenTransaction,
];
