import { LanternError } from '@lantern/tensor';

/**
 * Invalid arguments to the SummaryWriter (an image shape its data format cannot describe, a histogram without values,
 * a hyperparameter of an unsupported type) or use of an event file after it was closed. Messages name the method and
 * quote torch.utils.tensorboard's wording where it has one.
 */
export class TensorBoardError extends LanternError {}
