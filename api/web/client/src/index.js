// The arrowhttp JavaScript client: datasets as apache-arrow RecordBatches, in browsers and Node.js.
export { fetchDataset, openDataset, fetchStreamBytes, datasetUrl, DatasetResponse } from './dataset.js';
export { fetchCatalog, fetchInfo, handshake } from './catalog.js';
export { ArrowHttpError } from './errors.js';
