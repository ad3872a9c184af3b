// The data pipeline: IDX files, Fashion-MNIST, batch transforms and the DataLoader.
export { readIdx, idxHeader, IdxError, IDX_DEFAULT_MAX_BYTES } from './idx';
export type { IdxArray, ReadIdxOptions } from './idx';
export {
  loadFashionMNIST, loadDataFashionMNIST, downloadFashionMNIST, fashionMNISTCacheDir,
  FASHION_MNIST_CLASSES, FASHION_MNIST_URL, FASHION_MNIST_SYSTEM_DIR, DOWNLOAD_TIMEOUT_MS, DOWNLOAD_STALL_MS,
} from './fashion-mnist';
export type { FashionMNISTDataset, FashionMNISTOptions, LoadDataOptions, DownloadOptions } from './fashion-mnist';
export { DataLoader } from './dataloader';
export type { ImageDataset, DataLoaderOptions } from './dataloader';
export * as transforms from './vision-transforms';
export type { ImageBatch, Transform, DeviceTransform } from './transforms';
export type { RandomResizedCropOptions, ColorJitterOptions } from './augment';
export { ArrayDataset } from './array-dataset';
export type { ArrayDatasetOptions, ArrayLabels } from './array-dataset';
