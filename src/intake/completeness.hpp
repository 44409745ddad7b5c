// Format completeness: does a scan file look whole, judged by its structure
// rather than by its age? Used by Inbox::ready so that a file a scanner or a
// copy is still writing is not taken (an incomplete-looking file waits until
// batch.incomplete_give_up_seconds, then is taken and rejected as truncated).
//
//   TIFF (classic "II*\0"/"MM\0*" and BigTIFF "II+\0"/"MM\0+"): the IFD chain
//        is walked from the header; every IFD, its entries and their
//        out-of-line values lie inside the file, every strip (StripOffsets +
//        StripByteCounts) or tile (TileOffsets + TileByteCounts) of every IFD
//        ends within the file, and the chain is not cyclic and has at most
//        k_max_tiff_ifds IFDs.
//   PDF: "%%EOF" in the last 2 KiB, and the last `startxref` before it gives
//        an offset inside the file that points at "xref" (a table) or at
//        "N G obj" (a cross-reference stream).
//   JPEG: the end marker (FF D9) in its last bytes.  PNG: the IEND chunk.
//   Anything else: complete (judged by age alone).
// Reads only the header, the tail and the TIFF directories (never the image
// data). Thread-safety: reentrant.
#pragma once

#include <filesystem>

namespace intake {

enum class Completeness { complete, incomplete, unreadable };

inline constexpr int k_max_tiff_ifds = 10000;

// `unreadable` when the file cannot be opened for reading (permissions, gone).
Completeness looks_complete(const std::filesystem::path& file);

}  // namespace intake
