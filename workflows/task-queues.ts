/**
 * Task queue names. A dependency-free module so that both Node code (client, worker) and the
 * deterministic workflow bundle can import it.
 *
 *   warehouse: the single warehouse writer (ingest landing, transform, score, publish) and all
 *              workflow tasks. Served by exactly one worker process, one activity at a time.
 *   parse:     stateless parsing/validation of export files; any number of workers.
 *   province:  the province roll-up (its workflow and activities), in the province's namespace.
 */
export const WAREHOUSE_TASK_QUEUE = 'safecampus-warehouse';
export const PARSE_TASK_QUEUE = 'safecampus-parse';
export const PROVINCE_TASK_QUEUE = 'safecampus-province';

export type TaskQueueRole = 'warehouse' | 'parse' | 'province';

export const TASK_QUEUES: Readonly<Record<TaskQueueRole, string>> = {
  warehouse: WAREHOUSE_TASK_QUEUE,
  parse: PARSE_TASK_QUEUE,
  province: PROVINCE_TASK_QUEUE,
};
