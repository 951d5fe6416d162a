import pino from 'pino';
import { PinoNestLogger } from './logger';

describe('PinoNestLogger', () => {
  function capture(level: string) {
    const lines: Array<{ level: number; msg: string; context?: string }> = [];
    const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    return { nest: new PinoNestLogger(logger), lines };
  }

  it("keeps Nest's start-up narration at debug, and everything else it says at its level", () => {
    const info = capture('info');
    info.nest.log('Mapped {/health, GET} route', 'RouterExplorer');
    info.nest.log('Nest application successfully started', 'NestApplication');
    info.nest.log('something of ours', 'OutboxRelay');
    info.nest.warn('careful', 'RouterExplorer');
    expect(info.lines.map((l) => l.msg)).toEqual(['something of ours', 'careful']);

    const debug = capture('debug');
    debug.nest.log('Mapped {/health, GET} route', 'RouterExplorer');
    expect(debug.lines).toEqual([expect.objectContaining({ level: 20, context: 'RouterExplorer', msg: 'Mapped {/health, GET} route' })]);
  });
});
