"""The trainer's three models (`--model`) in PyTorch, with the module tree that gives Lantern's state-dict names.

course:      the course's CNN ("Tudui"), no activations.
course-relu: ReLU after each convolution and after the first linear layer.
course-bn:   BatchNorm2d after each convolution as well (before its ReLU).

The layers sit in one Sequential named `model1`, as in the course, so the keys are `model1.<index>.<name>`.
"""
from torch import nn
from torch.nn import BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential

MODEL_NAMES = ('course', 'course-relu', 'course-bn')


def layers(name):
    if name not in MODEL_NAMES:
        raise ValueError(f'unknown model {name!r}; expected one of {", ".join(MODEL_NAMES)}')
    relu = name != 'course'

    def block(in_channels, out_channels):
        return [Conv2d(in_channels, out_channels, 5, padding=2)] + \
            ([BatchNorm2d(out_channels)] if name == 'course-bn' else []) + \
            ([ReLU()] if relu else []) + [MaxPool2d(2)]

    return block(3, 32) + block(32, 32) + block(32, 64) + \
        [Flatten(), Linear(1024, 64)] + ([ReLU()] if relu else []) + [Linear(64, 10)]


class CourseNet(nn.Module):
    def __init__(self, name='course'):
        super().__init__()
        self.model1 = Sequential(*layers(name))

    def forward(self, x):
        return self.model1(x)
