// The networks the examples train, defined once: lenet.js, lenet-modern.js and alexnet.js train
// them, predict.js rebuilds them to load their saved parameters.
'use strict';
const { nn } = require('node-cudnn');

/** The article's LeNet, layer for layer. */
function lenet() {
  const net = new nn.Sequential();
  net.add(
    new nn.Conv2D(6, 5, { activation: 'sigmoid' }),
    new nn.MaxPool2D(2, 2),
    new nn.Conv2D(16, 5, { activation: 'sigmoid' }),
    new nn.MaxPool2D(2, 2),
    // Dense flattens (batch, channels, height, width) into (batch, channels * height * width).
    new nn.Dense(120, { activation: 'sigmoid' }),
    new nn.Dense(84, { activation: 'sigmoid' }),
    new nn.Dense(10),
  );
  return net;
}

/**
 * A modern LeNet: two convolution blocks of two 3×3 convolutions each (batch norm, ReLU), pooling
 * after each, then a dense layer with dropout.
 */
function lenetModern() {
  const block = (channels) => [
    new nn.Conv2D(channels, 3, { padding: 1, useBias: false }), new nn.BatchNorm(), new nn.Activation('relu'),
    new nn.Conv2D(channels, 3, { padding: 1, useBias: false }), new nn.BatchNorm(), new nn.Activation('relu'),
    new nn.MaxPool2D(2, 2),
  ];
  const net = new nn.Sequential();
  net.add(...block(16), ...block(32),
    new nn.Dense(128), new nn.BatchNorm(), new nn.Activation('relu'), new nn.Dropout(0.3),
    new nn.Dense(10));
  return net;
}

/** The article's AlexNet for one-channel 224×224 images and 10 classes. */
function alexnet() {
  const net = new nn.Sequential();
  net.add(
    // A large 11×11 window with stride 4 captures objects; many more output channels than LeNet.
    new nn.Conv2D(96, 11, { strides: 4, activation: 'relu' }),
    new nn.MaxPool2D(3, 2),
    // Smaller window, padding 2 keeps height and width; more channels.
    new nn.Conv2D(256, 5, { padding: 2, activation: 'relu' }),
    new nn.MaxPool2D(3, 2),
    // Three convolutions with a 3×3 window, then pooling.
    new nn.Conv2D(384, 3, { padding: 1, activation: 'relu' }),
    new nn.Conv2D(384, 3, { padding: 1, activation: 'relu' }),
    new nn.Conv2D(256, 3, { padding: 1, activation: 'relu' }),
    new nn.MaxPool2D(3, 2),
    // Wide dense layers with dropout against overfitting.
    new nn.Dense(4096, { activation: 'relu' }), new nn.Dropout(0.5),
    new nn.Dense(4096, { activation: 'relu' }), new nn.Dropout(0.5),
    new nn.Dense(10),
  );
  return net;
}

module.exports = { lenet, lenetModern, alexnet };
