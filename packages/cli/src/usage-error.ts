/** A command-line argument is wrong. Exit code 2, nothing runs. Shared with the API's request checks. */
export { UsageError } from '@pipeline/runs/input';
