import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PendingUploadsSweeper } from './cleanup/pending-uploads.sweeper.js';
import { FilesController } from './files.controller.js';
import { FilesService } from './files.service.js';
import { R2File } from './r2-file.entity.js';
import { R2FilesRepository } from './r2-files.repository.js';
import { UploadsController } from './uploads.controller.js';
import { UploadVerifier } from './verification/upload-verifier.js';

@Module({
  imports: [TypeOrmModule.forFeature([R2File])],
  controllers: [UploadsController, FilesController],
  providers: [FilesService, R2FilesRepository, UploadVerifier, PendingUploadsSweeper],
})
export class FilesModule {}
