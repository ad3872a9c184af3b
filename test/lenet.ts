// The article's LeNet, shared by the tests.
import { nn } from '../lib';

/** LeNet as in d2l's chapter: sigmoid convolutions and dense layers, max pooling. */
export function lenet(): nn.Sequential {
  const net = new nn.Sequential();
  net.add(
    new nn.Conv2D(6, 5, { activation: 'sigmoid' }),
    new nn.MaxPool2D(2, 2),
    new nn.Conv2D(16, 5, { activation: 'sigmoid' }),
    new nn.MaxPool2D(2, 2),
    new nn.Dense(120, { activation: 'sigmoid' }),
    new nn.Dense(84, { activation: 'sigmoid' }),
    new nn.Dense(10),
  );
  return net;
}
