import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ASSETS } from './assets';

const BY_PATH = new Map(Object.values(ASSETS).map((a) => [a.path, a]));

/** The portal's own stylesheet and script (the only ones its pages load), cached for a year under their hashed names. */
@Controller('assets')
export class AssetsController {
  @Get(':name')
  serve(@Param('name') name: string, @Res() reply: FastifyReply): void {
    const asset = BY_PATH.get(`/assets/${name}`);
    if (!asset) throw new NotFoundException();
    void reply.type(asset.type).header('cache-control', 'public, max-age=31536000, immutable').send(asset.body);
  }
}
