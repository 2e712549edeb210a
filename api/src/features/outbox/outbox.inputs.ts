import { Field, ObjectType } from 'type-graphql';
import { OutboxMessage } from '../../entities/index.js';
import { connectionType } from '../../graphql/relay.js';

export const OutboxMessageConnection = connectionType(OutboxMessage, 'OutboxMessage');

@ObjectType()
export class OutboxMessagePayload {
  @Field(() => OutboxMessage) outboxMessage!: OutboxMessage;
}
