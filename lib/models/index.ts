// The modern convolutional networks of Dive into Deep Learning, ready to train on Fashion-MNIST.
export { ModelOptions } from './internal';
export { vgg11, vggBlock, VggOptions, VGG11_ARCH } from './vgg';
export { nin, ninBlock } from './nin';
export { resnet18, resnetBlock, Residual, ResidualOptions } from './resnet';
export { googlenet, Inception } from './googlenet';
export { densenet, DenseBlock, DenseNetOptions, denseConvBlock, transitionBlock } from './densenet';
