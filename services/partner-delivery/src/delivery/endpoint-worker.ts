// One endpoint's delivery loop: up to `concurrency` deliveries in flight, claimed from the queue in
// arrival order (one at a time per ordering key), each attempt through the endpoint's own opossum circuit
// breaker. Endpoints never share a loop, a slot or a breaker: one that is down, slow or hostile holds only
// its own documents. While the breaker is open nothing is claimed; half-open, one trial delivery goes;
// when it closes, the backlog is due at once (its backoff was the outage's, not the documents').
import { DeliveryChannel, TOPICS } from '@tradewind/contracts';
import { createLogger, TransactionStage } from '@tradewind/observability';
import type { DeliveryEndpoint } from '@tradewind/partner-catalog';
import CircuitBreaker from 'opossum';

import {
  type ChannelSender,
  DeliveryFailure,
  FailureKind,
  type SentDocument,
} from '../channels/channel-sender';
import type { PartnerDeliveryMetrics } from '../partner-delivery.metrics';
import type { AttemptVerdict, DeliveryQueue, QueuedDelivery } from '../queue/delivery-queue.repository';
import { retryDelayMs } from './backoff';

export interface EndpointWorkerOptions {
  readonly endpoint: DeliveryEndpoint;
  readonly sender: ChannelSender;
  readonly queue: DeliveryQueue;
  readonly metrics: PartnerDeliveryMetrics;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly jitter: number;
}

type Action = (delivery: QueuedDelivery, signal: AbortSignal) => Promise<SentDocument>;

const BREAKER_VALUE = { closed: 0, halfOpen: 1, open: 2 } as const;

export class EndpointWorker {
  private readonly log = createLogger(EndpointWorker.name);
  private readonly breaker: CircuitBreaker<Parameters<Action>, SentDocument>;
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private readonly key: string;
  private readonly channel: DeliveryChannel;

  constructor(private readonly options: EndpointWorkerOptions) {
    const { endpoint, sender, metrics } = options;
    this.key = endpoint.key;
    this.channel = endpoint.channel.kind === 'webhook' ? DeliveryChannel.Webhook : DeliveryChannel.Sftp;
    const action: Action = (delivery, signal) =>
      sender.send({ ...delivery, attempt: delivery.attempts }, signal);
    this.breaker = new CircuitBreaker(action, {
      // Our own deadline per attempt (AbortSignal), so that a slow partner's socket is closed, not leaked.
      timeout: false,
      errorThresholdPercentage: endpoint.breaker.errorThresholdPercentage,
      volumeThreshold: endpoint.breaker.volumeThreshold,
      resetTimeout: endpoint.breaker.resetTimeoutMs,
      rollingCountTimeout: endpoint.breaker.rollingCountTimeoutMs,
      // A partner refusing one document (4xx) says nothing about the endpoint's health.
      errorFilter: (error: unknown) =>
        error instanceof DeliveryFailure && error.kind === FailureKind.Rejected,
      name: endpoint.key,
    });
    metrics.breakerState.set({ endpoint: this.key }, BREAKER_VALUE.closed);
    const transition = (to: keyof typeof BREAKER_VALUE) => () => {
      metrics.breakerState.set({ endpoint: this.key }, BREAKER_VALUE[to]);
      metrics.breakerTransitions.inc({ endpoint: this.key, to });
      this.log.info({ endpoint: this.key, breaker: to }, `delivery endpoint ${this.key}: breaker ${to}`);
      this.wake();
    };
    this.breaker.on('open', transition('open'));
    this.breaker.on('halfOpen', transition('halfOpen'));
    this.breaker.on('close', () => {
      transition('closed')();
      // The endpoint is back: what waited for it is due now, in order.
      void options.queue.dueNow(this.key).then(
        () => this.wake(),
        (error: unknown) =>
          this.log.warn({ err: error, endpoint: this.key }, 'could not reschedule the backlog'),
      );
    });
  }

  get state(): 'closed' | 'half-open' | 'open' {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops claiming; waits for the deliveries in flight to be recorded. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.all(this.inFlight);
    this.breaker.shutdown();
  }

  /** Something changed (a new document, a finished delivery, the breaker): look for work now. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    const { endpoint, queue, leaseMs } = this.options;
    while (this.running) {
      this.woken = false;
      let claimed = 0;
      try {
        const probe = this.breaker.halfOpen;
        const slots = this.breaker.opened
          ? 0
          : probe
            ? this.inFlight.size === 0 && this.breaker.pendingClose
              ? 1
              : 0
            : endpoint.concurrency - this.inFlight.size;
        if (slots > 0) {
          const deliveries = await queue.claim(this.key, slots, leaseMs, probe);
          claimed = deliveries.length;
          for (const delivery of deliveries) this.track(this.deliver(delivery, probe));
        }
      } catch (error) {
        this.log.warn({ err: error, endpoint: this.key }, 'claiming deliveries failed; trying again');
      }
      if (claimed === 0 || this.inFlight.size >= endpoint.concurrency) await this.idle();
    }
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => {
      this.inFlight.delete(delivery);
      this.wake();
    });
  }

  private idle(): Promise<void> {
    if (this.woken || !this.running) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.options.pollMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  private async deliver(delivery: QueuedDelivery, probe: boolean): Promise<void> {
    const { endpoint, queue, metrics } = this.options;
    const startedAt = Date.now();
    const signal = AbortSignal.timeout(endpoint.timeoutMs);
    let verdict: AttemptVerdict;
    let attemptOutcome: string;
    try {
      const sent = await this.breaker.fire(delivery, signal);
      verdict = { outcome: 'delivered', httpStatus: sent.httpStatus, receipt: sent.receipt };
      attemptOutcome = 'delivered';
    } catch (error) {
      if ((error as { code?: unknown }).code === 'EOPENBREAKER') {
        // Refused before sending (the breaker opened meanwhile): untried, so not counted.
        metrics.attempts.inc({ endpoint: this.key, channel: this.channel, outcome: 'refused_open' });
        await queue.release(delivery).catch((e: unknown) => this.log.warn({ err: e }, 'release failed'));
        return;
      }
      const failure =
        error instanceof DeliveryFailure
          ? error
          : new DeliveryFailure(
              FailureKind.Unavailable,
              error instanceof Error ? error.message : String(error),
            );
      attemptOutcome = failure.kind;
      verdict = this.verdictOf(delivery, failure, probe);
    }
    const durationMs = Date.now() - startedAt;
    metrics.attempts.inc({ endpoint: this.key, channel: this.channel, outcome: attemptOutcome });
    metrics.attemptSeconds.observe({ endpoint: this.key, outcome: attemptOutcome }, durationMs / 1000);
    try {
      const recorded = await queue.record(delivery, verdict, { startedAt, durationMs });
      if (!recorded) {
        this.log.warn(
          { endpoint: this.key, outboundId: delivery.outboundId, attempt: delivery.attempts },
          'the claim ran out before the attempt was recorded; another attempt owns the delivery',
        );
        return;
      }
    } catch (error) {
      // Sent (or not) but not recorded: the lease runs out and the document is sent again with the same
      // idempotency key.
      this.log.error(
        { err: error, endpoint: this.key, outboundId: delivery.outboundId },
        'recording a delivery attempt failed; it will be attempted again after its lease',
      );
      return;
    }
    this.count(delivery, verdict);
  }

  private verdictOf(delivery: QueuedDelivery, failure: DeliveryFailure, probe: boolean): AttemptVerdict {
    const { endpoint, jitter } = this.options;
    const error = `${failure.kind}: ${failure.message}`;
    // A failed trial while the breaker was open is the outage's, not the document's.
    const outage = probe && failure.kind === FailureKind.Unavailable;
    const counted = delivery.attempts - delivery.outageAttempts - (outage ? 1 : 0);
    if (!outage && counted >= endpoint.retry.maxAttempts) {
      return { outcome: 'dead', httpStatus: failure.httpStatus, error };
    }
    const delay = retryDelayMs(endpoint.retry, Math.max(1, counted), jitter);
    return {
      outcome: 'failed',
      nextAttemptAt: new Date(Date.now() + delay),
      outage,
      httpStatus: failure.httpStatus,
      error,
    };
  }

  private count(delivery: QueuedDelivery, verdict: AttemptVerdict): void {
    const { metrics } = this.options;
    const labels = { partner: delivery.partnerId, document_type: delivery.documentType };
    switch (verdict.outcome) {
      case 'delivered':
        metrics.deliveries.inc({ ...labels, outcome: 'delivered' });
        metrics.transactions.transactions.inc({
          workflow: delivery.documentType,
          stage: TransactionStage.Delivered,
          outcome: 'delivered',
          partner: delivery.partnerId,
        });
        metrics.latencySeconds.observe(
          { partner: delivery.partnerId, channel: this.channel },
          Math.max(0, Date.now() - new Date(delivery.createdAt).getTime()) / 1000,
        );
        return;
      case 'failed':
        metrics.deliveries.inc({ ...labels, outcome: 'failed' });
        return;
      case 'dead':
        metrics.deliveries.inc({ ...labels, outcome: 'dead_lettered' });
        metrics.transactions.transactions.inc({
          workflow: delivery.documentType,
          stage: TransactionStage.Delivered,
          outcome: 'dead_lettered',
          partner: delivery.partnerId,
        });
        this.log.error(
          { endpoint: this.key, outboundId: delivery.outboundId, topic: TOPICS.opsExceptions },
          `dead-lettered ${delivery.documentType} ${delivery.outboundId} after ${delivery.attempts} attempts`,
        );
        return;
    }
  }
}
