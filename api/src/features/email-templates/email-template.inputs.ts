import { Field, GraphQLISODateTime, InputType, ObjectType } from 'type-graphql';

/** A template as admins see it: their saved version, or the built-in default. */
@ObjectType('EmailTemplate')
export class EmailTemplateView {
  @Field(() => String) key!: string;
  @Field(() => String) subject!: string;
  @Field(() => String, { description: 'Liquid; every {{ value }} is HTML-escaped' }) html!: string;
  @Field(() => String, { description: 'Liquid; plain text, nothing escaped' }) text!: string;
  @Field(() => [String], { description: 'Variables the template may use' }) variables!: string[];
  @Field(() => Boolean, { description: 'False while the built-in default is used' }) customized!: boolean;
  @Field(() => GraphQLISODateTime, { nullable: true }) updatedAt!: Date | null;
}

@InputType()
export class EmailTemplateInput {
  @Field(() => String) key!: string;
  @Field(() => String) subject!: string;
  @Field(() => String) html!: string;
  @Field(() => String) text!: string;
}

@ObjectType()
export class EmailTemplatePayload {
  @Field(() => EmailTemplateView) emailTemplate!: EmailTemplateView;
}

@ObjectType()
export class EmailPreview {
  @Field(() => String) subject!: string;
  @Field(() => String) html!: string;
  @Field(() => String) text!: string;
}
