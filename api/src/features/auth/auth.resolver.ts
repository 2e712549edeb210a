import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { isStaff } from '../../auth/actor.js';
import { AdminUser } from '../../entities/index.js';
import { clearSessionCookies, setSessionCookies } from '../../graphql/cookies.js';
import { txOf, type GqlContext } from '../../graphql/context.js';
import { AuthPayload, LoginInput, SetupFirstAdminInput, SetupStatus } from './auth.inputs.js';

@Resolver()
export class AuthResolver {
  /** Public: tells the admin app whether to show the first-run screen. */
  @Query(() => SetupStatus)
  async setupStatus(@Ctx() ctx: GqlContext): Promise<SetupStatus> {
    return { needsSetup: (await ctx.em.count(AdminUser, {})) === 0 };
  }

  @Authorized()
  @Query(() => AdminUser)
  async currentAdmin(@Ctx() ctx: GqlContext): Promise<AdminUser> {
    if (!isStaff(ctx.actor)) throw new Error('unreachable');
    return ctx.em.findOneOrFail(AdminUser, { id: ctx.actor.adminId });
  }

  /** Public, but only while no admin exists. */
  @Mutation(() => AuthPayload)
  async setupFirstAdmin(
    @Arg('input', () => SetupFirstAdminInput) input: SetupFirstAdminInput,
    @Ctx() ctx: GqlContext,
  ) {
    const session = await ctx.services.auth.setupFirstAdmin(txOf(ctx), input, ctx);
    setSessionCookies(ctx, session);
    ctx.audit.targetType = 'AdminUser';
    return session;
  }

  @Mutation(() => AuthPayload)
  async login(@Arg('input', () => LoginInput) input: LoginInput, @Ctx() ctx: GqlContext) {
    const session = await ctx.services.auth.login(txOf(ctx), input, ctx);
    setSessionCookies(ctx, session);
    ctx.audit.targetType = 'AdminUser';
    return session;
  }

  @Authorized()
  @Mutation(() => Boolean)
  async logout(@Ctx() ctx: GqlContext): Promise<boolean> {
    clearSessionCookies(ctx);
    return ctx.services.auth.logout(txOf(ctx));
  }
}
