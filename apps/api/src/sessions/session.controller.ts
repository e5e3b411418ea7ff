import { Body, Controller, Delete, ForbiddenException, Get, HttpCode, Post, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ApiKeysRepository, Principal, SessionsRepository, csrfMatches, type Session } from '@trace/access';
import type { Request, Response } from 'express';
import { Caller, Public, Roles } from '../common/auth/auth.decorators';
import { ErrorDto } from '../common/error.dto';
import { IngestLagService } from '../common/ingest-freshness.service';
import { CSRF_HEADER, SESSION_COOKIE, cookieValue, sessionCookie } from '../common/auth/session.cookie';
import { FreshnessDto, SessionDto, SignInDto } from './session.dto';

const EVERY_ROLE = ['quality', 'auditor', 'admin'] as const;

const view = (principal: Principal, session: Session): SessionDto => ({
  keyId: principal.keyId,
  role: principal.role,
  brands: principal.scope.kind === 'site' ? '*' : [...principal.scope.brands],
  ...(principal.label ? { label: principal.label } : {}),
  csrfToken: session.csrfToken,
  expiresAt: session.expiresAt.toISOString(),
  idleExpiresAt: session.idleExpiresAt.toISOString(),
});

/** Browser sign-in: an API key pasted once becomes an HttpOnly session cookie bound to the key's id. */
@ApiTags('session')
@Controller('v1')
export class SessionController {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly sessions: SessionsRepository,
    private readonly lag: IngestLagService,
  ) {}

  @Public()
  @Post('session')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in: exchange an API key for a session cookie',
    description:
      'Sets an HttpOnly, SameSite=Strict cookie (Secure over HTTPS) with idle and absolute expiry, bound to the key id; the key ' +
      'is checked again on every request, so revoking it ends the session. Answers the role, brands and the CSRF token that ' +
      'every state-changing request of the session must send in X-CSRF-Token.',
    security: [],
  })
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: 'The key is not valid or has been revoked' })
  @ApiBadRequestResponse({ type: ErrorDto })
  async signIn(@Body() { key }: SignInDto, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SessionDto> {
    const principal = await this.keys.authenticate(key);
    if (!principal) throw new UnauthorizedException('the API key is not valid or has been revoked');
    // A sign-in over an old session ends that one: one cookie, one live session.
    const previous = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (previous) await this.sessions.delete(previous);
    const { token, session } = await this.sessions.create(principal.keyId);
    res.setHeader('set-cookie', sessionCookie(token, { secure: req.secure, maxAgeSeconds: (session.expiresAt.getTime() - Date.now()) / 1000 }));
    res.setHeader('cache-control', 'no-store');
    return view(principal, session);
  }

  @Roles(...EVERY_ROLE)
  @Get('session')
  @ApiOperation({ summary: 'The signed-in session: role, brands, CSRF token and expiry (what a reloaded page needs)' })
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: 'No live session (signed out, expired, or the key revoked)' })
  async current(@Caller() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SessionDto> {
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
    const session = token ? await this.sessions.find(token) : null;
    if (!session) throw new UnauthorizedException('sign in first: this answers only to a session cookie');
    res.setHeader('cache-control', 'no-store');
    return view(principal, session);
  }

  @Public()
  @Delete('session')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: ends the session and clears its cookie (needs X-CSRF-Token)', security: [] })
  @ApiNoContentResponse({ description: 'Signed out (also when there was no session)' })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'The CSRF token is missing or wrong' })
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (token) {
      const session = await this.sessions.find(token);
      const given = req.headers[CSRF_HEADER];
      if (session && !csrfMatches(session.csrfToken, Array.isArray(given) ? given[0] : given)) throw new ForbiddenException("signing out needs the session's CSRF token in X-CSRF-Token");
      await this.sessions.delete(token);
    }
    res.setHeader('set-cookie', sessionCookie('', { secure: req.secure, maxAgeSeconds: 0 }));
  }

  @Roles(...EVERY_ROLE)
  @Get('freshness')
  @ApiOperation({ summary: 'How far the graph is behind the shop floor: the ingest consumer group\'s lag on the source topics' })
  @ApiOkResponse({ type: FreshnessDto })
  async freshness(): Promise<FreshnessDto> {
    return { ...(await this.lag.lag()), measuredAt: new Date().toISOString() };
  }
}
