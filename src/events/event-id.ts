import { v7 } from 'uuid';

/** A unique id whose string order is its creation order (UUIDv7, monotonic within a process). */
export const newEventId = (): string => v7();
