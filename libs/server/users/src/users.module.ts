import { Module } from '@nestjs/common';
import { AdminTopUpController, UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  controllers: [UsersController, AdminTopUpController],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
