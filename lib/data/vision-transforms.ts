/**
 * Batch transforms and random augmentations, as Gluon's `gluon.data.vision.transforms`; public as
 * `data.transforms`. Each is a factory (`Resize(224)`, no `new`) returning a {@link Transform}.
 *
 * This file is only the list of public members, re-exported so that each keeps its TSDoc in editor
 * hovers and in the API reference (an object spread of the modules would lose both, and would
 * expose their helpers).
 * @example
 * const { Compose, Resize, ToTensor } = data.transforms;
 * const loader = new data.DataLoader(train, { batchSize: 256, transform: Compose([Resize(32), ToTensor()]) });
 * @module
 */
export { ToTensor, Resize, Compose } from './transforms';
export {
  RandomFlipLeftRight, RandomResizedCrop, RandomRotation, RandomColorJitter, RandomBrightness, RandomContrast,
} from './augment';
