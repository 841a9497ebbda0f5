// The console's pages: server-rendered (Eta templates in web/views), Pico CSS and htmx served from
// node_modules by this service (no CDN), forms that work without JavaScript; htmx only loads the partner's
// original document lazily and previews a correction's diff. Every page needs a session; every form
// post its CSRF token; what a user may do is decided by actions/console-policy.ts, never by the page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { createLogger } from '@tradewind/observability';
import type { PartnerCatalog } from '@tradewind/partner-catalog';
import type { PartnerSalesOrder } from '@tradewind/partner-documents';
import { Eta } from 'eta';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';

import { ConsoleAction, decide, isMoney } from '../actions/console-policy';
import { ExceptionActions } from '../actions/exception-actions.service';
import { editableFields } from '../actions/sales-order.correction';
import { ConsoleAuth } from '../auth/console-auth';
import { ConsoleRole, type ConsoleUser } from '../auth/console-user';
import type { Session } from '../auth/session';
import { SourceRecordsReader } from '../lineage/source-records.reader';
import { ConsoleErrorCode, ConsoleException, httpStatusOf } from '../ops-console.exception';
import { PARTNER_CATALOG } from '../ops-console.tokens';
import {
  ACTIVE_STATES,
  ExceptionsRepository,
  ExceptionState,
  type QueueFilter,
  TECHNICAL_WORKFLOW,
} from '../store/exceptions.repository';
import { ViewsRepository } from '../store/views.repository';

const ASSETS: Record<string, { file: string; type: string }> = {
  'pico.min.css': {
    file: require.resolve('@picocss/pico/css/pico.min.css'),
    type: 'text/css; charset=utf-8',
  },
  'htmx.min.js': {
    file: require.resolve('htmx.org/dist/htmx.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'console.css': { file: join(__dirname, 'assets/console.css'), type: 'text/css; charset=utf-8' },
};

const AGES: Record<string, number> = {
  '1h': 3_600_000,
  '4h': 4 * 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
};
const STATES: readonly string[] = Object.values(ExceptionState);

type Form = Record<string, string>;

function formOf(req: Request): Form {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(body).flatMap(([k, v]) =>
      typeof v === 'string' ? [[k, v]] : Array.isArray(v) ? [[k, v.join(',')]] : [],
    ),
  );
}

/** A JSON document indented for reading; anything else (CSV, X12) as it came. */
function prettyIfJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function one(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The user's view of the queue: a business user sees the workflows they act on, others everything. */
function visibleWorkflows(user: ConsoleUser): readonly string[] | undefined {
  if (
    user.roles.some((r) => r === ConsoleRole.Engineer || r === ConsoleRole.Auditor) ||
    user.workflows.includes('*')
  )
    return undefined;
  return user.workflows;
}

function canSee(user: ConsoleUser, workflow: string): boolean {
  const visible = visibleWorkflows(user);
  return visible === undefined || visible.includes(workflow);
}

function ageOf(date: Date, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((now - date.getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} d`;
}

@Controller()
export class ConsolePagesController {
  private readonly log = createLogger(ConsolePagesController.name);
  private readonly eta = new Eta({ views: join(__dirname, 'views'), cache: true, autoEscape: true });

  constructor(
    @Inject(ConsoleAuth) private readonly auth: ConsoleAuth,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ExceptionsRepository) private readonly exceptions: ExceptionsRepository,
    @Inject(ViewsRepository) private readonly views: ViewsRepository,
    @Inject(ExceptionActions) private readonly actions: ExceptionActions,
    @Inject(SourceRecordsReader) private readonly sources: SourceRecordsReader,
    @Inject(PARTNER_CATALOG) private readonly catalog: PartnerCatalog,
  ) {}

  // ---- assets and sign-in --------------------------------------------------------------------------

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() res: Response): void {
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (asset === undefined) {
      res.status(404).type('text/plain').send('not found');
      return;
    }
    res.type(asset.type).setHeader('Cache-Control', 'public, max-age=3600');
    res.send(readFileSync(asset.file));
  }

  @Get()
  home(@Res() res: Response): void {
    res.redirect(303, '/exceptions');
  }

  @Get('login')
  loginPage(@Req() req: Request, @Res() res: Response, @Query('error') error?: string): void {
    this.html(res, 200, 'login', {
      mode: this.auth.mode,
      error: one(error),
      next: one(req.query.next) ?? '/exceptions',
    });
  }

  @Post('login')
  async login(@Req() req: Request, @Res() res: Response): Promise<void> {
    const form = formOf(req);
    const next = form.next?.startsWith('/') && !form.next.startsWith('//') ? form.next : '/exceptions';
    const user = await this.auth.signInLocal(form.username ?? '', form.password ?? '', req, res);
    if (user === undefined) {
      this.html(res, 401, 'login', { mode: this.auth.mode, error: 'Unknown user or wrong password.', next });
      return;
    }
    this.log.info({ user: user.id, roles: user.roles }, 'signed in');
    res.redirect(303, next);
  }

  @Post('logout')
  logout(@Req() req: Request, @Res() res: Response): void {
    this.auth.signOut(res);
    res.redirect(303, '/login');
  }

  @Get('auth/oidc/start')
  async oidcStart(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.page(
      req,
      res,
      async () => res.redirect(303, (await this.auth.startOidc(req, res)).href),
      false,
    );
  }

  @Get('auth/oidc/callback')
  async oidcCallback(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.page(
      req,
      res,
      async () => {
        await this.auth.finishOidc(req, res);
        res.redirect(303, '/exceptions');
      },
      false,
    );
  }

  // ---- the queue -----------------------------------------------------------------------------------

  @Get('exceptions')
  async queue(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.page(req, res, async (session) => {
      const q = req.query;
      const states =
        (one(q.state) ?? 'active') === 'active'
          ? [...ACTIVE_STATES]
          : one(q.state) === 'all'
            ? []
            : [one(q.state) as ExceptionState];
      const filter: QueueFilter = {
        partnerId: one(q.partner),
        workflow: one(q.workflow),
        code: one(q.code),
        states: states.filter((s) => STATES.includes(s)),
        olderThanMs: AGES[one(q.age) ?? ''],
        workflows: visibleWorkflows(session.user),
      };
      const m = this.dataSource.manager;
      const [items, counts, facets] = await Promise.all([
        this.exceptions.list(m, filter),
        this.exceptions.countsByReason(m, filter),
        this.exceptions.facets(m),
      ]);
      this.render(res, session, 'queue', {
        title: 'Exception queue',
        items: items.map((e) => ({ ...e, age: ageOf(e.occurredAt), money: isMoney(e) })),
        counts,
        facets: { ...facets, workflows: facets.workflows.filter((w) => canSee(session.user, w)) },
        filter: {
          partner: one(q.partner) ?? '',
          workflow: one(q.workflow) ?? '',
          code: one(q.code) ?? '',
          state: one(q.state) ?? 'active',
          age: one(q.age) ?? '',
        },
        states: STATES,
        ages: Object.keys(AGES),
        canBulk: items.some((e) => decide(session.user, ConsoleAction.Discard, e).allowed),
        notice: one(q.notice),
      });
    });
  }

  @Post('exceptions/bulk')
  async bulk(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.page(req, res, async () => {
      const user = this.auth.requireForm(req);
      const form = formOf(req);
      const ids = (form.ids ?? '').split(',').filter((id) => id.length > 0);
      if (ids.length === 0)
        throw new ConsoleException(ConsoleErrorCode.InvalidInput, 'Select at least one exception.');
      const action = form.action === 'assign' ? 'assign' : 'discard';
      const results = await this.actions.bulk(user, ids, action, form.reason ?? '');
      const done = results.filter((r) => r.ok);
      res.redirect(
        303,
        `/exceptions?notice=${encodeURIComponent(
          `${action}: ${done.length} of ${results.length} done. ${results
            .filter((r) => !r.ok)
            .map((r) => `${r.id.slice(0, 8)}: ${r.result}`)
            .join(' ')}`,
        )}`,
      );
    });
  }

  // ---- one exception -------------------------------------------------------------------------------

  @Get('exceptions/:id')
  async detail(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.page(req, res, async (session) => {
      const m = this.dataSource.manager;
      const e = await this.exceptions.get(m, id);
      if (e === undefined || !canSee(session.user, e.workflow))
        throw new ConsoleException(ConsoleErrorCode.NotFound, `No exception ${id}.`);
      const order =
        e.workflow === 'order' && e.businessKey !== null
          ? await this.views.orderState(m, e.businessKey)
          : undefined;
      const documentIds = [
        ...new Set([...(e.documentId === null ? [] : [e.documentId]), ...(order?.documentIds ?? [])]),
      ];
      const [events, approvals, audit, acks, deadLetter] = await Promise.all([
        this.exceptions.events(m, id),
        this.actions.approvals(m, id),
        this.views.auditOf(m, documentIds),
        this.views.acknowledgementsOf(m, documentIds),
        e.kind === 'dead_letter'
          ? this.views.deadLetterOf(m, {
              topic: e.sourceTopic,
              group: e.service,
              partition: e.sourcePartition,
              offset: e.sourceOffset,
            })
          : Promise.resolve(undefined),
      ]);
      const may = Object.fromEntries(
        Object.values(ConsoleAction).map((a) => [a, decide(session.user, a, e)]),
      );
      const record = e.record as PartnerSalesOrder | null;
      const correctable =
        may[ConsoleAction.Correct].allowed && record !== null && Array.isArray(record.lines);
      this.render(res, session, 'detail', {
        title: `${e.code} · ${e.partnerId ?? e.service}`,
        e,
        age: ageOf(e.occurredAt),
        active: ACTIVE_STATES.includes(e.state),
        money: isMoney(e),
        may,
        events,
        approvals,
        pending: approvals.find((a) => a.decision === null),
        lineage: {
          requests: audit.filter((a) => !a.action.startsWith('console.')),
          consoleActions: audit.filter((a) => a.action.startsWith('console.')),
          order,
          acks,
          deadLetter,
        },
        fields: correctable ? editableFields(record) : [],
        recordJson: e.record === null ? null : JSON.stringify(e.record, null, 2),
        notice: one(req.query.notice),
        technical: e.workflow === TECHNICAL_WORKFLOW,
      });
    });
  }

  /** htmx fragment: the record the exception points at, read from Kafka by its coordinates. */
  @Get('exceptions/:id/source')
  async source(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.page(req, res, async (session) => {
      const e = await this.exceptions.get(this.dataSource.manager, id);
      if (e === undefined || !canSee(session.user, e.workflow))
        throw new ConsoleException(ConsoleErrorCode.NotFound, `No exception ${id}.`);
      let record;
      let problem: string | undefined;
      try {
        record = await this.sources.read({
          topic: e.sourceTopic,
          partition: e.sourcePartition,
          offset: e.sourceOffset,
        });
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      const value = record?.value as { payload?: unknown } | null | undefined;
      const payload =
        value !== null && typeof value === 'object' && typeof value.payload === 'string'
          ? prettyIfJson(value.payload)
          : undefined;
      this.html(res, 200, 'source', {
        e,
        record,
        problem,
        payload,
        valueJson:
          record === undefined
            ? null
            : JSON.stringify(
                { ...(value ?? {}), payload: payload === undefined ? value?.payload : '(below)' },
                null,
                2,
              ),
      });
    });
  }

  @Post('exceptions/:id/correct/preview')
  async preview(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.page(req, res, async () => {
      const user = this.auth.requireForm(req);
      const result = await this.actions.previewCorrection(user, id, formOf(req));
      this.html(res, 200, 'diff', { result });
    });
  }

  @Post('exceptions/:id/:action')
  async act(
    @Param('id') id: string,
    @Param('action') action: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.page(req, res, async () => {
      const user = this.auth.requireForm(req);
      const form = formOf(req);
      const reason = form.reason ?? '';
      let result;
      switch (action) {
        case 'assign':
          result = await this.actions.assign(user, id, form.assignee === '' ? null : user.id);
          break;
        case 'comment':
          result = await this.actions.comment(user, id, form.comment ?? '');
          break;
        case 'tag':
          result = await this.actions.tag(user, id, form.tags ?? '');
          break;
        case 'discard':
          result = await this.actions.discard(user, id, reason);
          break;
        case 'correct':
          result = await this.actions.correct(user, id, form, reason);
          break;
        case 'redrive':
          result = await this.actions.redrive(user, id, reason);
          break;
        default:
          throw new ConsoleException(ConsoleErrorCode.NotFound, `No action ${action}.`);
      }
      res.redirect(303, `/exceptions/${encodeURIComponent(id)}?notice=${encodeURIComponent(result.message)}`);
    });
  }

  // ---- approvals, partners, acknowledgements -----------------------------------------------------

  @Get('approvals')
  async approvalsPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.page(req, res, async (session) => {
      const m = this.dataSource.manager;
      const pending = await this.actions.approvals(m);
      const rows = [];
      for (const a of pending) {
        const e = await this.exceptions.get(m, a.exceptionId);
        if (e !== undefined && canSee(session.user, e.workflow))
          rows.push({ ...a, e, mine: a.requestedBy === session.user.id });
      }
      this.render(res, session, 'approvals', { title: 'Approvals', rows, notice: one(req.query.notice) });
    });
  }

  @Post('approvals/:id/:decision')
  async decideApproval(
    @Param('id') id: string,
    @Param('decision') decision: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.page(req, res, async () => {
      const user = this.auth.requireForm(req);
      if (decision !== 'approve' && decision !== 'reject')
        throw new ConsoleException(ConsoleErrorCode.NotFound, `No decision ${decision}.`);
      const result = await this.actions.decideApproval(
        user,
        id,
        decision === 'approve',
        formOf(req).reason ?? '',
      );
      res.redirect(303, `/approvals?notice=${encodeURIComponent(result.message)}`);
    });
  }

  @Get('partners')
  async partners(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.page(req, res, (session) => {
      this.render(res, session, 'partners', { title: 'Partner catalog', partners: this.catalog.partners() });
      return Promise.resolve();
    });
  }

  @Get('acknowledgements')
  async acknowledgements(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.page(req, res, async (session) => {
      const owed = this.catalog.partners().filter((p) => p.acknowledgements?.order !== undefined);
      const sla = new Map(owed.map((p) => [p.id, p.sla.acknowledgeWithinMinutes]));
      const timers = await this.views.ackTimers(this.dataSource.manager, sla);
      this.render(res, session, 'acknowledgements', {
        title: 'Acknowledgements',
        timers: timers.map((t) => ({
          ...t,
          sla: sla.get(t.partnerId),
          partner: this.catalog.partner(t.partnerId),
        })),
        notOwed: this.catalog.partners().filter((p) => p.acknowledgements?.order === undefined),
      });
    });
  }

  // ---- rendering -----------------------------------------------------------------------------------

  private render(
    res: Response,
    session: Session,
    view: string,
    data: Record<string, unknown>,
    status = 200,
  ): void {
    this.html(res, status, view, { ...data, user: session.user, csrf: this.auth.csrfToken(session) });
  }

  private html(res: Response, status: number, view: string, data: Record<string, unknown>): void {
    res
      .status(status)
      .type('text/html; charset=utf-8')
      .setHeader('Cache-Control', 'no-store')
      .setHeader(
        'Content-Security-Policy',
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
      )
      .setHeader('X-Content-Type-Options', 'nosniff')
      .send(this.eta.render(view, data));
  }

  /** Runs a page with its session; a ConsoleException becomes the sign-in redirect or an error page. */
  private async page(
    req: Request,
    res: Response,
    body: (session: Session) => Promise<void>,
    needsSession = true,
  ): Promise<void> {
    let session: Session | undefined;
    try {
      session = needsSession ? this.auth.require(req) : this.auth.session(req);
      await body(session!);
    } catch (error) {
      if (!(error instanceof ConsoleException)) {
        this.log.error({ err: error, path: req.path }, 'page failed');
      }
      const failure =
        error instanceof ConsoleException
          ? error
          : new ConsoleException(
              ConsoleErrorCode.Unavailable,
              'Something went wrong; it is logged. Try again.',
              [],
              {
                cause: error,
              },
            );
      if (failure.code === ConsoleErrorCode.Unauthenticated && req.method === 'GET') {
        res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      const status = httpStatusOf(failure.code);
      if (session === undefined) {
        this.html(res, status, 'login', {
          mode: this.auth.mode,
          error: failure.message,
          next: '/exceptions',
        });
        return;
      }
      this.render(
        res,
        session,
        'error',
        {
          title: 'Not done',
          status,
          code: failure.code,
          message: failure.message,
          problems: failure.problems,
          back: req.get('referer') ?? '/exceptions',
        },
        status,
      );
    }
  }
}
