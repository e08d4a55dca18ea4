/** Files the probe writes (reports, captures, key logs): created safely, never through a symbolic link. */
package io.rdpprobe.files;
