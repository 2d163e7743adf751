// `trunkline recording verify` and `trunkline recording export`: read a
// recording file without a running daemon.
#pragma once

namespace trunkline::recorder {

// recording verify FILE [--keys DIR] [--master-key FILE] [--tenant ID]
//                       [--recording-id HEX] [--show-personal]
int recording_verify_main(int argc, char** argv);

// recording export FILE --out OUT.wav [--keys DIR] [--master-key FILE]
//                       [--tenant ID] [--recording-id HEX]
int recording_export_main(int argc, char** argv);

// recording master-key FILE
int recording_master_key_main(int argc, char** argv);

inline constexpr const char* kRecordingMasterKeyUsage = "FILE";
inline constexpr const char* kRecordingMasterKeySummary =
    "create the appliance master key (32 random bytes, mode 0600; never overwrites)";
inline constexpr const char* kRecordingVerifyUsage =
    "FILE [--keys DIR] [--master-key FILE] [--tenant ID] [--recording-id HEX] [--show-personal]";
inline constexpr const char* kRecordingVerifySummary =
    "check a recording's authenticity, completeness and checksums (exit 0 only if all hold)";
inline constexpr const char* kRecordingExportUsage =
    "FILE --out OUT.wav [--keys DIR] [--master-key FILE] [--tenant ID] [--recording-id HEX]";
inline constexpr const char* kRecordingExportSummary =
    "verify a recording, then decrypt it to a 16-bit stereo 8 kHz WAV (left caller, right agent)";

}  // namespace trunkline::recorder
