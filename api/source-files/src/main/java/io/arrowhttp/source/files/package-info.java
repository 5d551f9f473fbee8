/**
 * Datasets from files: {@link io.arrowhttp.source.files.ArrowFileDataset} for Arrow IPC files and
 * streams, and {@link io.arrowhttp.source.files.DataDirectory}, which serves every supported file
 * of a folder.
 */
package io.arrowhttp.source.files;
