import { Module } from '@nestjs/common';
import { OpenApiController } from './openapi.controller';

/** The API's own description (`GET /v1/openapi.json`). */
@Module({ controllers: [OpenApiController] })
export class OpenApiModule {}
