import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ManagementAuthGuard } from './guards';
import { ManagementStrategy } from './management.strategy';
import { SessionService } from './session.service';

@Global()
@Module({
  imports: [PassportModule],
  providers: [SessionService, ManagementStrategy, ManagementAuthGuard],
  exports: [SessionService, ManagementAuthGuard],
})
export class AuthModule {}
