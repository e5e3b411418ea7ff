import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ROLES, type Principal } from '@trace/access';
import type { Request, Response } from 'express';
import { Caller, Public, Roles } from '../common/auth/auth.decorators';
import { ErrorDto } from '../common/error.dto';
import { CSRF_HEADER, SESSION_COOKIE, cookieValue } from '../common/auth/session.cookie';
import { CurrentSessionUseCase } from './current-session.use-case';
import { MeasureFreshnessUseCase } from './measure-freshness.use-case';
import { SessionAnswer } from './session.view';
import { SignInUseCase } from './sign-in.use-case';
import { SignOutUseCase } from './sign-out.use-case';
import { FreshnessDto, SessionDto, SignInDto } from './session.dto';


/** Sends a session use case's answer: its cookie, never cached. */
function answer<T>(res: Response, { body, setCookie }: SessionAnswer<T>): T {
  if (setCookie !== undefined) res.setHeader('set-cookie', setCookie);
  return body;
}

const tokenOf = (req: Request): string | undefined => cookieValue(req.headers.cookie, SESSION_COOKIE);

/** Browser sign-in: an API key pasted once becomes an HttpOnly session cookie bound to the key's id. */
@ApiTags('sessions')
@Controller('v1')
export class SessionsController {
  constructor(
    private readonly signInWithKey: SignInUseCase,
    private readonly currentSession: CurrentSessionUseCase,
    private readonly signOutOf: SignOutUseCase,
    private readonly measureFreshness: MeasureFreshnessUseCase,
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
    const previousToken = tokenOf(req);
    const signedIn = await this.signInWithKey.execute({ key, secure: req.secure, ...(previousToken ? { previousToken } : {}) });
    res.setHeader('cache-control', 'no-store');
    return answer(res, signedIn);
  }

  @Roles(...ROLES)
  @Get('session')
  @ApiOperation({ summary: 'The signed-in session: role, brands, CSRF token and expiry (what a reloaded page needs)' })
  @ApiOkResponse({ type: SessionDto })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: 'No live session (signed out, expired, or the key revoked)' })
  async current(@Caller() principal: Principal, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<SessionDto> {
    const token = tokenOf(req);
    const session = await this.currentSession.execute({ principal, ...(token ? { token } : {}) });
    res.setHeader('cache-control', 'no-store');
    return session;
  }

  @Public()
  @Delete('session')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: ends the session and clears its cookie (needs X-CSRF-Token)', security: [] })
  @ApiNoContentResponse({ description: 'Signed out (also when there was no session)' })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'The CSRF token is missing or wrong' })
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const token = tokenOf(req);
    const given = req.headers[CSRF_HEADER];
    const csrfToken = Array.isArray(given) ? given[0] : given;
    answer(res, await this.signOutOf.execute({ secure: req.secure, ...(token ? { token } : {}), ...(csrfToken !== undefined ? { csrfToken } : {}) }));
  }

  @Roles(...ROLES)
  @Get('freshness')
  @ApiOperation({ summary: 'How far the graph is behind the shop floor: the ingest consumer group\'s lag on the source topics' })
  @ApiOkResponse({ type: FreshnessDto })
  freshness(): Promise<FreshnessDto> {
    return this.measureFreshness.execute();
  }
}
