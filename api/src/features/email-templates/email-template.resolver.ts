import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Permission } from '../../auth/permissions.js';
import { txOf, type GqlContext } from '../../graphql/context.js';
import {
  EmailPreview,
  EmailTemplateInput,
  EmailTemplatePayload,
  EmailTemplateView,
} from './email-template.inputs.js';

@Resolver()
export class EmailTemplateResolver {
  @Authorized(Permission.AdminManage)
  @Query(() => [EmailTemplateView])
  emailTemplates(@Ctx() ctx: GqlContext) {
    return ctx.services.emailTemplates.list(ctx.em, ctx.actor!);
  }

  @Authorized(Permission.AdminManage)
  @Query(() => EmailPreview, { description: 'Renders template text with sample values (nothing saved)' })
  previewEmailTemplate(
    @Arg('input', () => EmailTemplateInput) input: EmailTemplateInput,
    @Ctx() ctx: GqlContext,
  ) {
    return ctx.services.emailTemplates.preview(ctx.actor!, input);
  }

  @Authorized(Permission.AdminManage)
  @Mutation(() => EmailTemplatePayload)
  async updateEmailTemplate(
    @Arg('input', () => EmailTemplateInput) input: EmailTemplateInput,
    @Ctx() ctx: GqlContext,
  ): Promise<EmailTemplatePayload> {
    ctx.audit.targetType = 'EmailTemplate';
    ctx.audit.targetId = input.key;
    return { emailTemplate: await ctx.services.emailTemplates.update(txOf(ctx), input) };
  }

  @Authorized(Permission.AdminManage)
  @Mutation(() => EmailTemplatePayload, { description: 'Back to the built-in default' })
  async resetEmailTemplate(
    @Arg('key', () => String) key: string,
    @Ctx() ctx: GqlContext,
  ): Promise<EmailTemplatePayload> {
    ctx.audit.targetType = 'EmailTemplate';
    ctx.audit.targetId = key;
    return { emailTemplate: await ctx.services.emailTemplates.reset(txOf(ctx), key) };
  }
}
