import { PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { uuidv7 } from '../common/ids.js';

@ObjectType()
export abstract class BaseEntity {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string & Opt = uuidv7();

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  @Field(() => GraphQLISODateTime)
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date & Opt = new Date();
}
