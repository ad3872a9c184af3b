// The article's AlexNet (one-channel 224×224 input, 10 classes), shared by the tests.
import { nn } from '../lib';

export function alexnet(): nn.Sequential {
  const net = new nn.Sequential();
  net.add(
    new nn.Conv2D(96, 11, { strides: 4, activation: 'relu' }), new nn.MaxPool2D(3, 2),
    new nn.Conv2D(256, 5, { padding: 2, activation: 'relu' }), new nn.MaxPool2D(3, 2),
    new nn.Conv2D(384, 3, { padding: 1, activation: 'relu' }),
    new nn.Conv2D(384, 3, { padding: 1, activation: 'relu' }),
    new nn.Conv2D(256, 3, { padding: 1, activation: 'relu' }), new nn.MaxPool2D(3, 2),
    new nn.Dense(4096, { activation: 'relu' }), new nn.Dropout(0.5),
    new nn.Dense(4096, { activation: 'relu' }), new nn.Dropout(0.5),
    new nn.Dense(10),
  );
  return net;
}
