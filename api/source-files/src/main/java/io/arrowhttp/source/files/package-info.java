/**
 * Datasets from Arrow IPC files and streams: {@link io.arrowhttp.source.files.ArrowFileDataset}.
 */
package io.arrowhttp.source.files;
