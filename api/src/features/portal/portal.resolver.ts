import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { DomainError, ErrorCode } from '../../common/errors.js';
import { txOf, type GqlContext } from '../../graphql/context.js';
import { clearMemberCookies, setMemberCookies } from '../../graphql/cookies.js';
import { MEMBER_ROLE } from '../../graphql/guards.js';
import {
  AddMyDeviceInput,
  MyPassphrasePayload,
  PassphraseCheck,
  PortalDevice,
  PortalLocation,
  PortalMe,
  ProfileDownload,
  ProfileKind,
  RedeemMagicLinkPayload,
  RequestMagicLinkInput,
  RequestMagicLinkPayload,
} from './portal.inputs.js';

/**
 * The member portal. Public: portalLocation, requestMagicLink, redeemMagicLink, me (null when
 * signed out). Everything else needs the `lanyard_member` cookie plus its X-CSRF-Token header.
 */
@Resolver()
export class PortalResolver {
  @Query(() => PortalLocation, { nullable: true, description: 'Branding for the sign-in page' })
  portalLocation(@Arg('slug', () => String) slug: string, @Ctx() ctx: GqlContext) {
    return ctx.services.portal.location(ctx.em, slug);
  }

  @Mutation(() => RequestMagicLinkPayload)
  async requestMagicLink(
    @Arg('input', () => RequestMagicLinkInput) input: RequestMagicLinkInput,
    @Ctx() ctx: GqlContext,
  ): Promise<RequestMagicLinkPayload> {
    // Anonymous and rate-limited: not worth an audit event each.
    ctx.audit.skip = true;
    await ctx.services.portal.requestMagicLink(txOf(ctx), input);
    return { accepted: true };
  }

  @Mutation(() => RedeemMagicLinkPayload)
  async redeemMagicLink(
    @Arg('token', () => String) token: string,
    @Ctx() ctx: GqlContext,
  ): Promise<RedeemMagicLinkPayload> {
    const { issued, location } = await ctx.services.portal.redeemMagicLink(txOf(ctx), token, ctx);
    setMemberCookies(ctx, issued);
    ctx.audit.targetType = 'Member';
    ctx.audit.targetId = issued.session.member.id;
    return { locationSlug: location.slug };
  }

  @Query(() => PortalMe, { nullable: true, description: 'The signed-in member; null when signed out' })
  me(@Ctx() ctx: GqlContext) {
    if (ctx.csrfFailed) {
      throw new DomainError(ErrorCode.CSRF_CHECK_FAILED, 'Missing or wrong X-CSRF-Token header');
    }
    return ctx.services.portal.me(ctx.em, ctx.actor);
  }

  @Authorized(MEMBER_ROLE)
  @Query(() => String, { description: "The member's own WiFi key" })
  myPassphrase(@Ctx() ctx: GqlContext) {
    return ctx.services.portal.myPassphrase(ctx.em, ctx.actor);
  }

  @Authorized(MEMBER_ROLE)
  @Query(() => PassphraseCheck, { description: 'Strength meter; no side effects' })
  checkPassphrase(@Arg('passphrase', () => String) passphrase: string, @Ctx() ctx: GqlContext) {
    return ctx.services.portal.checkPassphrase(passphrase);
  }

  @Authorized(MEMBER_ROLE)
  @Mutation(() => MyPassphrasePayload)
  async rotateMyPassphrase(@Ctx() ctx: GqlContext): Promise<MyPassphrasePayload> {
    this.auditMember(ctx);
    return { passphrase: await ctx.services.portal.setMyPassphrase(txOf(ctx)) };
  }

  @Authorized(MEMBER_ROLE)
  @Mutation(() => MyPassphrasePayload)
  async setMyPassphrase(
    @Arg('passphrase', () => String) passphrase: string,
    @Ctx() ctx: GqlContext,
  ): Promise<MyPassphrasePayload> {
    this.auditMember(ctx);
    return { passphrase: await ctx.services.portal.setMyPassphrase(txOf(ctx), passphrase) };
  }

  @Authorized(MEMBER_ROLE)
  @Mutation(() => PortalDevice)
  async addMyDevice(
    @Arg('input', () => AddMyDeviceInput) input: AddMyDeviceInput,
    @Ctx() ctx: GqlContext,
  ): Promise<PortalDevice> {
    const device = await ctx.services.portal.addDevice(txOf(ctx), input);
    ctx.audit.targetType = 'Device';
    ctx.audit.targetId = device.id;
    return device;
  }

  @Authorized(MEMBER_ROLE)
  @Mutation(() => Boolean)
  removeMyDevice(@Arg('deviceId', () => ID) deviceId: string, @Ctx() ctx: GqlContext) {
    ctx.audit.targetType = 'Device';
    ctx.audit.targetId = deviceId;
    return ctx.services.portal.removeDevice(txOf(ctx), deviceId);
  }

  @Authorized(MEMBER_ROLE)
  @Mutation(() => ProfileDownload)
  createProfileDownload(
    @Arg('kind', () => ProfileKind) kind: ProfileKind,
    @Arg('ssid', () => String, { nullable: true }) ssid: string | null,
    @Ctx() ctx: GqlContext,
  ) {
    this.auditMember(ctx);
    return ctx.services.portal.createProfileDownload(txOf(ctx).em, ctx.actor, kind, ssid);
  }

  @Authorized(MEMBER_ROLE)
  @Mutation(() => Boolean)
  async logoutMember(@Ctx() ctx: GqlContext): Promise<boolean> {
    this.auditMember(ctx);
    clearMemberCookies(ctx);
    return ctx.services.portal.logout(txOf(ctx));
  }

  private auditMember(ctx: GqlContext): void {
    ctx.audit.targetType = 'Member';
    ctx.audit.targetId = ctx.actor?.type === 'MEMBER' ? ctx.actor.memberId : null;
  }
}
