import { LanternError } from '@lantern/tensor';

/**
 * Invalid optimizer arguments, parameter groups or state dicts. Messages start with the optimizer's name and then
 * quote PyTorch's own wording (e.g. "SGD: Invalid learning rate: -0.1"), so torch.optim users recognise them.
 */
export class OptimizerError extends LanternError {}

/** Invalid learning-rate scheduler arguments or use (stepping OneCycleLR past its end, and so on). */
export class SchedulerError extends LanternError {}
