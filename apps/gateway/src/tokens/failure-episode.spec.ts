import { FailureEpisode } from './failure-episode';

describe('FailureEpisode', () => {
  it('warns on the first failure of an episode only, and says when it ends', () => {
    const log = { warn: jest.fn(), info: jest.fn() };
    const episode = new FailureEpisode(log, 'revocation list reload');
    episode.succeeded();
    expect(log.info).not.toHaveBeenCalled();
    for (let i = 0; i < 1_000; i++) episode.failed(new Error('TIMEOUT'));
    expect(log.warn).toHaveBeenCalledTimes(1);
    episode.succeeded();
    episode.succeeded();
    expect(log.info).toHaveBeenCalledTimes(1);
    episode.failed('disconnected');
    expect(log.warn).toHaveBeenCalledTimes(2);
    expect(log.warn).toHaveBeenLastCalledWith({ reason: 'disconnected' }, expect.stringContaining('revocation list reload failed'));
  });

  it('logs at most 200 characters of the reason', () => {
    const log = { warn: jest.fn(), info: jest.fn() };
    new FailureEpisode(log, 'x').failed(new Error('a'.repeat(10_000)));
    expect(log.warn.mock.calls[0][0].reason).toHaveLength(200);
  });
});
